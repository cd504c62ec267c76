// Placeholder: the account pages are being built.
export function SignInPage() {
  return <h1>Sign in</h1>;
}
export function AcceptInvitationPage() {
  return <h1>Accept</h1>;
}
export function ResetPage() {
  return <h1>Reset</h1>;
}
export function AccountPage() {
  return <h1>Account</h1>;
}
