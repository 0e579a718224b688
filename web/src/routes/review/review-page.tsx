import { Empty } from '../../components/states';

export function Page(): React.JSX.Element {
  return <Empty>This page (review) is not built yet.</Empty>;
}
