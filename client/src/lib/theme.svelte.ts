/// <reference types="svelte" />
/** Light or dark, defaulting to the system preference; the choice is remembered. */
export type ThemeName = 'light' | 'dark';

function initial(): ThemeName {
  try {
    const saved = localStorage.getItem('theme');
    if (saved === 'light' || saved === 'dark') return saved;
  } catch {
    /* storage unavailable: follow the system */
  }
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches
    ? 'dark'
    : 'light';
}

export class ThemeState {
  name = $state<ThemeName>(initial());

  constructor() {
    this.apply();
  }

  toggle(): void {
    this.name = this.name === 'dark' ? 'light' : 'dark';
    try {
      localStorage.setItem('theme', this.name);
    } catch {
      /* not persisted */
    }
    this.apply();
  }

  private apply(): void {
    if (typeof document !== 'undefined') document.documentElement.dataset.theme = this.name;
  }
}
