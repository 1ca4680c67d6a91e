/**
 * VS Code's own Markdown support (the built-in extension `vscode.markdown-language-features`)
 * gives every Markdown file a heading outline and puts every heading of the workspace in
 * Go to Symbol in Workspace (Ctrl+T), and Find References on a heading lists that heading.
 * VS Code shows every provider's answer side by side (a reference only once when both give the
 * same range, which they do not for a heading), so while that extension is enabled the client
 * leaves those out of vaultls' answers: the outline has one tree, Ctrl+T lists each heading
 * once (the note itself, its aliases and tags, which only vaultls knows, stay), and the heading
 * under the cursor is listed once among its references, as is a `[[link]]` of the note: the
 * built-in extension takes `[[Note]]` for a CommonMark reference link `[Note]` and lists its
 * uses in the same note. With the built-in extension disabled, vaultls' own come through.
 * No `vscode` import: client.ts wires it into the language client's middleware.
 */

export const BUILTIN_MARKDOWN_EXTENSION = 'vscode.markdown-language-features';

/** A symbol as VS Code's API has it (SymbolInformation, DocumentSymbol): only its kind counts. */
export interface Kinded {
    kind: number;
}

/** A location as VS Code's API has it: only its file and first line count. */
export interface Located {
    uri: { toString(): string };
    range: { start: { line: number } };
}

/** The `[[wikilink]]` of `line` at `character` (from `[[` to `]]`), if there is one. */
export function wikilinkAt(line: string, character: number): string | undefined {
    for (const match of line.matchAll(/\[\[[^[\]]*\]\]/g)) {
        const start = match.index ?? 0;
        if (start <= character && character <= start + match[0].length) {
            return match[0];
        }
    }
    return undefined;
}

/** An ATX heading line (`# Title`), which is what VS Code's Markdown support takes for one. */
export function isHeadingLine(text: string): boolean {
    return /^ {0,3}#{1,6}(\s|$)/.test(text);
}

export class BuiltinMarkdownOverlap {
    /**
     * @param builtinEnabled whether VS Code's Markdown language features are enabled (asked
     *   on each request: the user may enable or disable the extension at any time)
     * @param headingKind the symbol kind of a heading (`SymbolKind.String`, which both
     *   vaultls and the built-in extension use)
     */
    constructor(
        private readonly builtinEnabled: () => boolean,
        private readonly headingKind: number,
    ) {}

    /** Whether vaultls' document symbols (the heading outline) should be asked for at all. */
    wantsDocumentSymbols(): boolean {
        return !this.builtinEnabled();
    }

    /** vaultls' workspace symbols without the headings the built-in extension lists too. */
    workspaceSymbols<T extends Kinded>(symbols: T[] | null | undefined): T[] | null | undefined {
        if (!symbols || !this.builtinEnabled()) {
            return symbols;
        }
        return symbols.filter((symbol) => symbol.kind !== this.headingKind);
    }

    /**
     * vaultls' references, asked for at `character` of `line` of `uri` (whose text is
     * `lineText`), without those the built-in extension lists as well: on a heading, the heading
     * itself (its declaration, with `includeDeclaration`, which Find References sets); on a
     * `[[link]]`, the same `[[link]]` written in this note (`textOf` gives a location's text).
     */
    references<T extends Located>(
        locations: T[] | null | undefined,
        at: { uri: string; line: number; character: number; lineText: string; includeDeclaration: boolean },
        textOf: (location: T) => string,
    ): T[] | null | undefined {
        if (!locations || !this.builtinEnabled()) {
            return locations;
        }
        const here = (location: T): boolean => location.uri.toString() === at.uri;
        if (isHeadingLine(at.lineText)) {
            return at.includeDeclaration ? locations.filter((location) => !here(location) || location.range.start.line !== at.line) : locations;
        }
        const link = wikilinkAt(at.lineText, at.character);
        return link === undefined ? locations : locations.filter((location) => !here(location) || textOf(location) !== link);
    }
}
