export { supabaseTransport } from './supabase-transport.js';
export * from './supabase-types.js';
