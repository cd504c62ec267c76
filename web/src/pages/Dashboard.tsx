// Placeholder: the public pages are being built.
export function Dashboard(_: { discussionId: string; unitId?: string }) {
  return <h1>Dashboard</h1>;
}
