export function NotFoundPage() {
  return (
    <>
      <h1 className="nhsuk-heading-l">Page not found</h1>
      <p className="nhsuk-body">If you typed the web address, check it is correct.</p>
    </>
  );
}
