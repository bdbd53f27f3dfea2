// Entry point: mounts the page. Training never runs here; it lives in the Worker (see src/app/trainerClient.ts).
import { mount } from 'svelte';
import App from './ui/App.svelte';
import './ui/styles.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html must contain an element with id "app"');

export default mount(App, { target });
