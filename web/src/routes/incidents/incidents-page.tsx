import { Empty } from '../../components/states';

export function Page(): React.JSX.Element {
  return <Empty>This page (incidents) is not built yet.</Empty>;
}
