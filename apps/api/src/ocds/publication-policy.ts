/** Served at /api/v1/ocds/publication-policy; every OCDS package links to it. */
export const PUBLICATION_POLICY = `# OCDS publication policy

This service publishes its procurement decisions in the Open Contracting Data Standard (OCDS) 1.1,
validated against the 1.1.5 schemas, with the bids (statistics only) and enquiries extensions.

## What is published, and when

Each contracting process has an ocid (the publisher's registered prefix and the case id). A release
is published in the same transaction as the change it describes, and is never changed afterwards:

- competitive process: \`tender\` when the tender is published; \`tenderUpdate\` when the closing
  date moves, a clarification question is answered, a tender document changes, and when tendering
  closes (with the number of bids received, never their contents or prices);
- direct award (PSR direct award process C, most suitable provider process): no tender release; the
  first release is the \`award\` (procurement method \`limited\`, with its rationale);
- \`award\` when the intention to award is published (status \`pending\`); \`awardUpdate\` when the
  contract is awarded (\`active\`) or when an upheld representation sets the award aside
  (\`cancelled\`); \`contract\` when awarded; \`tenderCancellation\` when a process with a published
  release is cancelled.

Before tendering closes no release says who bid, or how many. Losing bids' prices are never
published. No personal contact details are published.

## Access

Releases: \`/api/v1/ocds/releases\` (paged with \`links.next\`), one release at
\`/api/v1/ocds/releases/{id}\`, records at \`/api/v1/ocds/records/{ocid}\` (\`?versioned=true\` adds
the versioned release). No sign-in is needed.
`;
