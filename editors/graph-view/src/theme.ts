// Colours of the view, read from CSS custom properties (style.css sets them from VS Code's
// `--vscode-*` theme variables in the webview, from prefers-color-scheme on the page), so the
// canvas follows the same light or dark theme as the page around it.

export interface Theme {
    background: string;
    foreground: string;
    muted: string;
    accent: string;
    edge: string;
    panel: string;
    palette: string[];
    other: string;
    attachment: string;
    tag: string;
}

const PALETTE_VARIABLES = ['--gv-c1', '--gv-c2', '--gv-c3', '--gv-c4', '--gv-c5', '--gv-c6', '--gv-c7', '--gv-c8', '--gv-c9', '--gv-c10'];

/** Any CSS colour as `#rrggbb` or `rgba(...)`, the forms sigma's WebGL programs read. */
export function cssColour(value: string, fallback: string): string {
    const canvas = document.createElement('canvas').getContext('2d');
    if (!canvas || value.trim() === '') {
        return fallback;
    }
    canvas.fillStyle = fallback;
    canvas.fillStyle = value.trim();
    return String(canvas.fillStyle);
}

/** `colour` with its opacity set to `alpha`. */
export function withAlpha(colour: string, alpha: number): string {
    const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
    if (hex) {
        return `rgba(${parseInt(hex[1], 16)}, ${parseInt(hex[2], 16)}, ${parseInt(hex[3], 16)}, ${alpha})`;
    }
    const rgba = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)/i.exec(colour);
    return rgba ? `rgba(${rgba[1]}, ${rgba[2]}, ${rgba[3]}, ${alpha})` : colour;
}

export function readTheme(element: HTMLElement): Theme {
    const style = getComputedStyle(element);
    const read = (name: string, fallback: string): string => cssColour(style.getPropertyValue(name), fallback);
    const palette = PALETTE_VARIABLES.map((name) => read(name, '#4e79a7'));
    return {
        background: read('--gv-bg', '#ffffff'),
        foreground: read('--gv-fg', '#1f2328'),
        muted: read('--gv-muted', '#8c959f'),
        accent: read('--gv-accent', '#0969da'),
        edge: read('--gv-edge', '#c8ccd1'),
        panel: read('--gv-panel', '#f6f8fa'),
        palette,
        other: read('--gv-other', '#9aa4ae'),
        attachment: read('--gv-attachment', '#b08800'),
        tag: read('--gv-tag', '#8250df'),
    };
}
