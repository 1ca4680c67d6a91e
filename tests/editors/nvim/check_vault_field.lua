-- The quickfix list finds each problem's file from its `vault` field (the vault root relative
-- to the folder `vaultls check` ran in), not by guessing from the checked folder. The command
-- is a stand-in that prints one problem of a note in another folder, as `vaultls check` does.
local H = dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua')
H.run(function()
  H.init({ route = 'enable' })
  local other = assert(os.getenv('VAULTLS_T_OTHER'))
  local printer = table.concat({
    'import json, os, sys',
    'vault = os.path.relpath(sys.argv[1], os.getcwd())',
    'p = {"vault": vault, "path": "Elsewhere.md", "range": {"start": {"line": 2, "character": 0},'
      .. ' "end": {"line": 2, "character": 4}}, "severity": "warning", "code": "dangling-link", "message": "gone"}',
    'print("[\\n  " + json.dumps(p) + "\\n]")',
  }, '\n')
  -- check_cmd drops the trailing `serve` and appends `check ROOT --format json`.
  vim.lsp.config('vaultls', { cmd = { 'python3', '-c', printer, other, 'serve' } })
  local done, summary
  require('vaultls').check({ root = H.vault, open = false, on_done = function(ok, s) done, summary = { ok }, s end })
  H.wait('the check to finish', function() return done end)
  H.eq(true, done[1], 'check result')
  local items = vim.fn.getqflist({ id = summary.id, items = 1 }).items
  H.eq(1, #items, 'quickfix items')
  local want = vim.fs.normalize((vim.uv.fs_realpath(other) or other) .. '/Elsewhere.md')
  H.eq(want, vim.fs.normalize(vim.api.nvim_buf_get_name(items[1].bufnr)), 'file name')
  H.eq(3, items[1].lnum, 'line')
end)
