-- A note created outside Neovim (another program writes the file) resolves a dangling link:
-- the server's workspace/didChangeWatchedFiles registration, which the plugin's client
-- capabilities allow, makes Neovim tell it about the new file.
local H = dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua')
H.run(function()
  H.init()
  local buf = H.open(os.getenv('VAULTLS_T_NOTE'))
  local client = H.attach(buf)
  local lnum = tonumber(os.getenv('VAULTLS_T_LINE'))
  local function on_line()
    return vim.tbl_filter(function(x)
      return x.lnum == lnum
    end, H.diags(buf, 'dangling-link'))[1]
  end
  H.wait('the dangling-link diagnostic', on_line)
  H.wait('the watched-files registration', function()
    return client.dynamic_capabilities:get('workspace/didChangeWatchedFiles') ~= nil
  end)
  local path = H.path(os.getenv('VAULTLS_T_CREATE'))
  local f = assert(io.open(path, 'w'))
  f:write('# Created outside Neovim\n')
  f:close()
  H.wait('the diagnostic to clear after ' .. path .. ' was created', function()
    return not on_line()
  end)
end)
