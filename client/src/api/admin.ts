import type { Page } from '../../../server/contracts/common';
import type {
  CreateUnitInput,
  DeactivateUnitInput,
  ListUnitsQuery,
  Unit,
  UnitTreeNode,
  UpdateUnitInput,
} from '../../../server/contracts/units';
import type {
  CreateUserInput,
  ListUsersQuery,
  UpdateUserInput,
  User,
} from '../../../server/contracts/users';
import { http } from './http';

/** Units: the administrative tree. */
export const unitsApi = {
  tree: (includeInactive = false) =>
    http.get<UnitTreeNode[]>('/api/units/tree', { includeInactive }),
  list: (query: Partial<ListUnitsQuery>) => http.get<Page<Unit>>('/api/units', query),
  create: (input: Partial<CreateUnitInput>) => http.post<Unit>('/api/units', input),
  update: (id: string, input: UpdateUnitInput) => http.patch<Unit>(`/api/units/${id}`, input),
  deactivate: (id: string, input: Partial<DeactivateUnitInput> = {}) =>
    http.post<Unit>(`/api/units/${id}/deactivate`, input),
};

/** Users: the directory and account administration. */
export const usersApi = {
  list: (query: Partial<ListUsersQuery>) => http.get<Page<User>>('/api/users', query),
  get: (id: string) => http.get<User>(`/api/users/${id}`),
  create: (input: Partial<CreateUserInput>) => http.post<User>('/api/users', input),
  update: (id: string, input: UpdateUserInput) => http.patch<User>(`/api/users/${id}`, input),
  setActive: (id: string, active: boolean) =>
    http.post<User>(`/api/users/${id}/${active ? 'activate' : 'deactivate'}`),
  resetPassword: (id: string, password: string) =>
    http.post<undefined>(`/api/users/${id}/password`, { password }),
};
