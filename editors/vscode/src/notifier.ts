/**
 * "One clear notification": each kind of problem is shown once until the user restarts the
 * server (or changes the server settings), however many folders or restarts run into it.
 * No `vscode` import; the extension passes in window.showErrorMessage.
 */

export type Show = (message: string, ...actions: string[]) => Thenable<string | undefined> | Promise<string | undefined>;

export class Notifier {
    private readonly shown = new Set<string>();

    constructor(
        private readonly show: Show,
        private readonly actions: { [title: string]: () => unknown },
    ) {}

    /** Shows `message` with the given action buttons unless `kind` was already shown. */
    notify(kind: string, message: string, actionTitles: string[]): boolean {
        if (this.shown.has(kind)) {
            return false;
        }
        this.shown.add(kind);
        void Promise.resolve(this.show(message, ...actionTitles)).then((choice) => {
            if (choice !== undefined) {
                this.actions[choice]?.();
            }
        });
        return true;
    }

    reset(): void {
        this.shown.clear();
    }
}
