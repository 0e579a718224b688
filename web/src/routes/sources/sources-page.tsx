import { Empty } from '../../components/states';

export function Page(): React.JSX.Element {
  return <Empty>This page (sources) is not built yet.</Empty>;
}
