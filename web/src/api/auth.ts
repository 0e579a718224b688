import {
  useMutation,
  type UseMutationResult,
  useQuery,
  useQueryClient,
  type UseQueryResult,
} from '@tanstack/react-query';

import { ApiRequestError, getJson, postJson, setCsrfToken } from './http';

export interface Me {
  user: { id: string; username: string; role: string; namespaces: string[] | null; source: string };
  csrfToken: string;
  expiresAt: number;
}

export const authKeys = { me: ['auth', 'me'] as const };

/** The signed-in user, or null when there is no session (401). */
export async function fetchMe(signal?: AbortSignal): Promise<Me | null> {
  try {
    const me = await getJson<Me>('/api/v1/auth/me', signal);
    setCsrfToken(me.csrfToken);
    return me;
  } catch (err) {
    if (err instanceof ApiRequestError && (err.status === 401 || err.status === 400)) return null;
    throw err;
  }
}

export function useMe(): UseQueryResult<Me | null> {
  return useQuery({
    queryKey: authKeys.me,
    queryFn: ({ signal }) => fetchMe(signal),
    staleTime: 60_000,
    retry: false,
    placeholderData: undefined,
  });
}

export function useLogin(): UseMutationResult<
  { csrfToken: string },
  Error,
  { username: string; password: string }
> {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (b) => postJson<{ csrfToken: string }>('/api/v1/auth/login', b),
    onSuccess: (r) => {
      setCsrfToken(r.csrfToken);
      void qc.invalidateQueries();
    },
  });
}

export function useLogout(): UseMutationResult<unknown, Error, void> {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => postJson('/api/v1/auth/logout', {}),
    onSettled: () => {
      setCsrfToken(null);
      qc.clear();
      void qc.invalidateQueries({ queryKey: authKeys.me });
    },
  });
}
