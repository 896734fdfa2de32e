import type { ReactNode } from "react";

/**
 * The step between pressing a button that moves money or positions and doing it: says what will
 * happen, in the page (not a browser dialog), with one button that does it and one that does not.
 */
export function Confirm(props: {
  children: ReactNode;
  confirmLabel: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <div className="confirm" role="alertdialog" aria-label="Confirm">
      <div>{props.children}</div>
      <div className="row">
        <button type="button" className="danger" disabled={props.busy} onClick={props.onConfirm}>
          {props.confirmLabel}
        </button>
        <button type="button" className="secondary" disabled={props.busy} onClick={props.onCancel}>
          Back
        </button>
      </div>
    </div>
  );
}
