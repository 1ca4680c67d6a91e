/**
 * The server's code lenses ("3 backlinks", "1 link") run `vaultls.showReferences URI POSITION
 * LOCATIONS` with LSP's plain JSON values; VS Code's references view
 * (`editor.action.showReferences`) wants a vscode.Uri, a vscode.Position and vscode.Locations.
 * This converts one to the other. The `vscode` module is passed in, so that the conversion of
 * the arguments is tested without an editor.
 */
import type * as vscodeApi from 'vscode';

/** The command the server's lenses run (registered by the extension, not sent to the server). */
export const SHOW_REFERENCES = 'vaultls.showReferences';

export interface WirePosition {
    line: number;
    character: number;
}

export interface WireLocation {
    uri: string;
    range: { start: WirePosition; end: WirePosition };
}

export interface ReferencesArguments {
    uri: string;
    position: WirePosition;
    locations: WireLocation[];
}

function isPosition(value: unknown): value is WirePosition {
    const p = value as Partial<WirePosition> | null;
    return typeof p === 'object' && p !== null && Number.isInteger(p.line) && Number.isInteger(p.character);
}

function isLocation(value: unknown): value is WireLocation {
    const l = value as Partial<WireLocation> | null;
    return typeof l === 'object' && l !== null && typeof l.uri === 'string' && isPosition(l.range?.start) && isPosition(l.range?.end);
}

/** The lens's arguments, or undefined when they are not (URI, Position, Location[]). */
export function referencesArguments(args: readonly unknown[]): ReferencesArguments | undefined {
    const [uri, position, locations] = args;
    if (typeof uri !== 'string' || !isPosition(position) || !Array.isArray(locations) || !locations.every(isLocation)) {
        return undefined;
    }
    return { uri, position, locations };
}

/** Opens VS Code's references view on the lens's Locations (nothing for arguments of another shape). */
export async function showReferences(vscode: typeof vscodeApi, args: readonly unknown[]): Promise<void> {
    const parsed = referencesArguments(args);
    if (parsed === undefined) {
        return;
    }
    const position = (p: WirePosition) => new vscode.Position(p.line, p.character);
    const locations = parsed.locations.map(
        (l) => new vscode.Location(vscode.Uri.parse(l.uri), new vscode.Range(position(l.range.start), position(l.range.end))),
    );
    await vscode.commands.executeCommand('editor.action.showReferences', vscode.Uri.parse(parsed.uri), position(parsed.position), locations);
}
