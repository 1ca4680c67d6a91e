// ESLint for the extension's TypeScript (flat config): ESLint's and typescript-eslint's
// recommended rules, plus one rule of this project: no module-level `let` (the extension keeps its
// state in the object that activate() creates; see extension.ts).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
    { ignores: ['out/**', 'dist/**', 'bundled/**', 'node_modules/**'] },
    js.configs.recommended,
    tseslint.configs.recommended,
    {
        files: ['src/**/*.ts'],
        rules: {
            'no-restricted-syntax': [
                'error',
                {
                    selector: 'Program > VariableDeclaration[kind="let"], Program > ExportNamedDeclaration > VariableDeclaration[kind="let"]',
                    message: 'No module-level `let`: keep state in an object created per activation.',
                },
            ],
        },
    },
);
