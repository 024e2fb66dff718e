import { hideTokenFromUrl, readLocation } from './lib/api.js';
import { preconnect } from './lib/preconnect.js';
import './app.css';

hideTokenFromUrl();
// The lab's socket opens first (a small chunk); the page, chart.js included, loads and mounts
// while the server prepares the snapshot.
preconnect(readLocation().lab);
const [{ mount }, { default: App }] = await Promise.all([import('svelte'), import('./App.svelte')]);
const target = document.getElementById('app')!;
// The page's "Loading…" line stands until the app takes its place.
target.replaceChildren();
mount(App, { target });
