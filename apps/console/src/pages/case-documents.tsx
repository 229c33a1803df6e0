import { useState, type FormEvent } from 'react';
import { Button, Select, Table, TextInput } from 'nhsuk-react-components';
import { api, ApiProblem, type Page } from '../api';
import { ProblemSummary, Section } from '../components';
import { useApi } from '../use-api';
import { london, words } from '../time';

export interface DocumentView {
  id: string;
  title: string;
  documentType: string;
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
  version: number;
  uploadedAt: string;
}

const TYPES = ['technicalSpecifications', 'evaluationCriteria', 'contractDraft', 'clarifications', 'biddingDocuments'];

/** The case's documents (the specification and its annexes), with upload and new versions. */
export function CaseDocuments(props: {
  caseId: string;
  version: number;
  canUpload: boolean;
  /** an upload is audited on the case: its version moves */
  onDone: () => Promise<void>;
}) {
  const docs = useApi<Page<DocumentView>>(`/cases/${props.caseId}/documents`, props.version);
  const [title, setTitle] = useState('');
  const [documentType, setDocumentType] = useState('technicalSpecifications');
  const [replacesId, setReplacesId] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  if (docs.error?.status === 404 && !docs.data) return null;
  const items = docs.data?.items ?? [];
  const upload = async (e: FormEvent) => {
    e.preventDefault();
    const form = new FormData();
    if (file) form.set('file', file);
    form.set('title', title);
    form.set('documentType', documentType);
    if (replacesId) form.set('replacesId', replacesId);
    try {
      await api.post(`/cases/${props.caseId}/documents`, form);
      setProblem(null);
      setTitle('');
      setReplacesId('');
      await props.onDone();
    } catch (err) {
      setProblem(err as ApiProblem);
    }
  };
  return (
    <Section title="Documents" id="documents">
      {items.length === 0 ? (
        <p className="nhsuk-body">No documents yet.</p>
      ) : (
        <Table caption="Case documents (every version)" responsive>
          <Table.Head>
            <Table.Row>
              <Table.Cell>Document</Table.Cell>
              <Table.Cell>Type</Table.Cell>
              <Table.Cell>Version</Table.Cell>
              <Table.Cell>Uploaded</Table.Cell>
            </Table.Row>
          </Table.Head>
          <Table.Body>
            {items.map((d) => (
              <Table.Row key={d.id}>
                <Table.Cell>
                  <a href={`/api/v1/documents/${d.id}/content`} download>
                    {d.title}
                  </a>{' '}
                  ({d.fileName}, {Math.ceil(d.size / 1024)} KB)
                </Table.Cell>
                <Table.Cell>{words(d.documentType)}</Table.Cell>
                <Table.Cell>{d.version}</Table.Cell>
                <Table.Cell>{london(d.uploadedAt)}</Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      )}
      {props.canUpload && (
        <form noValidate onSubmit={upload} aria-label="Upload a document">
          <ProblemSummary
            problem={problem}
            fieldIds={{ file: 'doc-file', title: 'doc-title', documentType: 'doc-type', replacesId: 'doc-replaces' }}
          />
          <TextInput id="doc-title" label="Title" value={title} onChange={(e) => setTitle(e.target.value)} />
          <Select id="doc-type" label="Type" value={documentType} onChange={(e) => setDocumentType(e.target.value)}>
            {TYPES.map((t) => (
              <Select.Option key={t} value={t}>
                {words(t.replace(/([A-Z])/g, ' $1').toLowerCase())}
              </Select.Option>
            ))}
          </Select>
          <Select
            id="doc-replaces"
            label="New version of"
            value={replacesId}
            onChange={(e) => setReplacesId(e.target.value)}
          >
            <Select.Option value="">None: a new document</Select.Option>
            {items.map((d) => (
              <Select.Option key={d.id} value={d.id}>
                {d.title} (version {d.version})
              </Select.Option>
            ))}
          </Select>
          <div className="nhsuk-form-group">
            <label className="nhsuk-label" htmlFor="doc-file">
              File (PDF, Word, Excel, OpenDocument, CSV, text, PNG or JPEG)
            </label>
            <input
              className="nhsuk-file-upload"
              id="doc-file"
              type="file"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
          </div>
          <Button type="submit" secondary>
            Upload document
          </Button>
        </form>
      )}
    </Section>
  );
}
