// Placeholder until this page is built (issue 6).
import { Loading } from '../../components/ui';
import type { PageProps } from '../../routes';

export default function Page(_props: PageProps) {
  return <Loading />;
}
