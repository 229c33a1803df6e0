import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { Footer, Header, SkipLink } from 'nhsuk-react-components';
import { hasRole, useSession } from './session';

/** NHS header with the sections the signed-in person may use, then the page. */
export function Layout() {
  const { person, signOut } = useSession();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const nav: { href: string; label: string; show: boolean }[] = [
    { href: '/', label: 'My tasks', show: !!person },
    { href: '/cases', label: 'Cases', show: hasRole(person, 'commissioner', 'governance', 'admin') },
    { href: '/flags', label: 'Flag queue', show: hasRole(person, 'governance') },
    { href: '/tenders', label: 'Open tenders', show: hasRole(person, 'provider') },
    { href: '/bids', label: 'My bids', show: hasRole(person, 'provider') },
    { href: '/admin/people', label: 'Directory', show: hasRole(person, 'admin', 'governance') },
    { href: '/public/interests', label: 'Register of interests', show: true },
    { href: '/public/decisions', label: 'Decisions', show: true },
    { href: '/public/notices', label: 'Notices', show: true },
  ];
  return (
    <>
      <SkipLink href="#main-content" />
      <Header service={{ text: 'makebuy', href: '/console/' }}>
        <Header.Account>
          {person ? (
            <>
              <Header.AccountItem>
                {person.name ?? 'Administrator'} ({person.roles.join(', ')})
              </Header.AccountItem>
              <Header.AccountItem
                onClick={async () => {
                  await signOut();
                  navigate('/sign-in');
                }}
              >
                Sign out
              </Header.AccountItem>
            </>
          ) : (
            <Header.AccountItem href="/console/sign-in">Sign in</Header.AccountItem>
          )}
        </Header.Account>
        <Header.Navigation>
          {nav
            .filter((n) => n.show)
            .map((n) => (
              <Header.NavigationItem
                key={n.href}
                href={`/console${n.href === '/' ? '/' : n.href}`}
                active={n.href === '/' ? pathname === '/' : pathname.startsWith(n.href)}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(n.href);
                }}
              >
                {n.label}
              </Header.NavigationItem>
            ))}
        </Header.Navigation>
      </Header>
      <div className="nhsuk-width-container">
        <main className="nhsuk-main-wrapper" id="main-content" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
      <Footer>
        <Footer.List>
          <Footer.ListItem href="/docs">API documentation</Footer.ListItem>
          <Footer.ListItem href="/console/public/interests">Register of interests</Footer.ListItem>
          <Footer.ListItem href="/console/public/decisions">Register of procurement decisions</Footer.ListItem>
          <Footer.ListItem href="/console/public/notices">Notices</Footer.ListItem>
          <Footer.ListItem href="/api/v1/ocds/releases">Open contracting data (OCDS)</Footer.ListItem>
        </Footer.List>
        <Footer.Copyright>makebuy</Footer.Copyright>
      </Footer>
    </>
  );
}
