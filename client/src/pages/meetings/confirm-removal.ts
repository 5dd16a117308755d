import { ElMessageBox } from 'element-plus';

/**
 * Asks whether to remove someone (or a site) from the meeting; false when the user declines.
 * `t` is the caller's translator, so the dialog follows the UI language.
 */
export async function confirmRemoval(
  t: (key: string, values?: object) => string,
  name: string,
): Promise<boolean> {
  try {
    await ElMessageBox.confirm(
      t('meetings.detail.removeConfirm', { name }),
      t('meetings.detail.remove'),
      { confirmButtonText: t('common.confirm'), cancelButtonText: t('common.cancel') },
    );
    return true;
  } catch {
    return false;
  }
}
