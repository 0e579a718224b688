import { Empty } from '../../components/states';

export function Page(): React.JSX.Element {
  return <Empty>This page (finding-detail) is not built yet.</Empty>;
}
