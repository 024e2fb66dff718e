import { mount } from 'svelte';
import App from './App.svelte';
import { hideTokenFromUrl, readLocation } from './lib/api.js';
import { preconnect } from './lib/preconnect.js';
import './app.css';

hideTokenFromUrl();
// The lab's snapshot travels while the page mounts.
preconnect(readLocation().lab);
mount(App, { target: document.getElementById('app')! });
