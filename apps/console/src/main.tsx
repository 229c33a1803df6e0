import 'nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { SessionProvider } from './session';
import { Layout } from './layout';
import { SignInPage } from './pages/sign-in';
import { TasksPage } from './pages/tasks';
import { CasesPage } from './pages/cases';
import { CasePage } from './pages/case';
import { InterestsRegisterPage } from './pages/public-interests';
import { NotFoundPage } from './pages/not-found';
import { NewCasePage } from './pages/new-case';
import { FlagsPage } from './pages/flags';
import { TendersPage } from './pages/tenders';
import { TenderPage } from './pages/tender';
import { MyBidsPage } from './pages/my-bids';
import { AdminPeoplePage } from './pages/admin-people';
import { DecisionRecordPage, DecisionsRegisterPage } from './pages/public-decisions';
import { NoticePage, NoticesPage } from './pages/public-notices';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter basename="/console">
      <SessionProvider>
        <Routes>
          <Route element={<Layout />}>
            <Route index element={<TasksPage />} />
            <Route path="sign-in" element={<SignInPage />} />
            <Route path="cases" element={<CasesPage />} />
            <Route path="cases/new" element={<NewCasePage />} />
            <Route path="cases/:id" element={<CasePage />} />
            <Route path="flags" element={<FlagsPage />} />
            <Route path="tenders" element={<TendersPage />} />
            <Route path="tenders/:caseId" element={<TenderPage />} />
            <Route path="bids" element={<MyBidsPage />} />
            <Route path="admin/people" element={<AdminPeoplePage />} />
            <Route path="public/interests" element={<InterestsRegisterPage />} />
            <Route path="public/decisions" element={<DecisionsRegisterPage />} />
            <Route path="public/decisions/:caseId" element={<DecisionRecordPage />} />
            <Route path="public/notices" element={<NoticesPage />} />
            <Route path="public/notices/:noticeId" element={<NoticePage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </SessionProvider>
    </BrowserRouter>
  </StrictMode>,
);
