// The SDK ships no types; lib/vendors/mailchimp/mailchimp.ts describes the few calls it makes (MailchimpSdk).
declare module "@mailchimp/mailchimp_marketing" {
  const api: unknown;
  export default api;
}
