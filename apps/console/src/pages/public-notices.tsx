import { Link, useParams } from 'react-router-dom';
import { InsetText, Table } from 'nhsuk-react-components';
import type { Page } from '../api';
import { Loading, ProblemSummary } from '../components';
import { useApi } from '../use-api';
import { london, words } from '../time';

export interface Notice {
  id: string;
  caseId: string;
  ocid: string;
  type: string;
  publishedAt: string;
  corrects: string | null;
  content: Record<string, unknown>;
  text: string;
}

/** Every notice published: tenders, intentions to award, confirmations, cancellations. */
export function NoticesPage() {
  const notices = useApi<Page<Notice>>('/registers/notices?limit=100');
  return (
    <>
      <h1 className="nhsuk-heading-l">Notices</h1>
      <ProblemSummary problem={notices.error} />
      {notices.loading ? (
        <Loading what="notices" />
      ) : (
        <Table caption="Published notices, newest first" responsive>
          <Table.Head>
            <Table.Row>
              <Table.Cell>Notice</Table.Cell>
              <Table.Cell>Case</Table.Cell>
              <Table.Cell>Published</Table.Cell>
            </Table.Row>
          </Table.Head>
          <Table.Body>
            {(notices.data?.items ?? []).map((n) => (
              <Table.Row key={n.id}>
                <Table.Cell>
                  <Link to={`/public/notices/${n.id}`}>
                    {words(n.type)}
                    {n.corrects ? ' (correction)' : ''}
                  </Link>
                </Table.Cell>
                <Table.Cell>{String(n.content.title ?? n.ocid)}</Table.Cell>
                <Table.Cell>{london(n.publishedAt)}</Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      )}
    </>
  );
}

export function NoticeText({ notice }: { notice: Notice }) {
  return (
    <InsetText>
      <p className="nhsuk-body-s">
        {words(notice.type)}, published {london(notice.publishedAt)}
        {notice.corrects ? ' (corrects an earlier notice)' : ''}
      </p>
      <p className="nhsuk-body" style={{ whiteSpace: 'pre-wrap' }}>
        {notice.text}
      </p>
    </InsetText>
  );
}

export function NoticePage() {
  const { noticeId } = useParams();
  const notice = useApi<Notice>(`/registers/notices/${noticeId}`);
  if (!notice.data) return notice.loading ? <Loading what="the notice" /> : <ProblemSummary problem={notice.error} />;
  return (
    <>
      <h1 className="nhsuk-heading-l">{words(notice.data.type).replace(/^./, (c) => c.toUpperCase())}</h1>
      <NoticeText notice={notice.data} />
    </>
  );
}
