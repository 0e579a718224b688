import { Empty } from '../../components/states';

export function Page(): React.JSX.Element {
  return <Empty>This page (compliance) is not built yet.</Empty>;
}
