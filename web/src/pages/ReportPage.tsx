// Placeholder: the secretary's pages are being built.
export function ReportPage(_: { discussionId: string }) {
  return <h1>Report</h1>;
}
export function ReceiptPage(_: { discussionId: string; unitId: string; version: number }) {
  return <h1>Receipt</h1>;
}
