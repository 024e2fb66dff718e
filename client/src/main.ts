import { mount } from 'svelte';
import App from './App.svelte';
import { readLocation } from './lib/api.js';
import { preconnect } from './lib/preconnect.js';
import './app.css';

// The lab's snapshot travels while the page mounts.
preconnect(readLocation().lab);
mount(App, { target: document.getElementById('app')! });
