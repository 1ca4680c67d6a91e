/**
 * VS Code's own Markdown support (the built-in extension `vscode.markdown-language-features`)
 * gives every Markdown file a heading outline and puts every heading of the workspace in
 * Go to Symbol in Workspace (Ctrl+T). VS Code shows every provider's answer side by side, so
 * while that extension is enabled the client leaves those out of vaultls' answers: the outline
 * has one tree, and Ctrl+T lists each heading once (the note itself, its aliases and tags, which
 * only vaultls knows, stay). With the built-in extension disabled, vaultls' own come through.
 * No `vscode` import: client.ts wires it into the language client's middleware.
 */

export const BUILTIN_MARKDOWN_EXTENSION = 'vscode.markdown-language-features';

/** A symbol as VS Code's API has it (SymbolInformation, DocumentSymbol): only its kind counts. */
export interface Kinded {
    kind: number;
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
}
