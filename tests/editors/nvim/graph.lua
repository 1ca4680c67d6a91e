-- :VaultlsGraph writes the vault's graph as one html page and opens it with vim.ui.open (stubbed
-- here: the path it is given is recorded); :VaultlsGraph local, the graph of the current note.
local H = dofile(os.getenv('VAULTLS_NVIM_SCRIPTS') .. '/helpers.lua')
H.run(function()
  H.init()
  local opened = {}
  vim.ui.open = function(path)
    opened[#opened + 1] = path
    return nil, nil
  end
  local function read(path)
    local file = H.truthy(io.open(path, 'r'), path .. ' written')
    local text = file:read('*a')
    file:close()
    return text
  end
  local function page_after(command)
    local before = #opened
    vim.cmd(command)
    local path = H.wait(command .. ' to open a page', function()
      return opened[before + 1]
    end, 30000)
    H.truthy(path:match('%.html$'), 'an html file: ' .. path)
    H.eq(1, vim.fn.filereadable(path), path .. ' exists')
    return read(path)
  end

  H.open(os.getenv('VAULTLS_T_NOTE'))
  local whole = page_after('VaultlsGraph')
  H.truthy(whole:lower():find('<!doctype html', 1, true), 'an html page')
  for _, id in ipairs(vim.json.decode(os.getenv('VAULTLS_T_WHOLE'))) do
    H.truthy(whole:find(id, 1, true), id .. ' in the whole graph')
  end

  local around = page_after('VaultlsGraph local')
  for _, id in ipairs(vim.json.decode(os.getenv('VAULTLS_T_NEAR'))) do
    H.truthy(around:find(id, 1, true), id .. ' in the local graph')
  end
  local far = os.getenv('VAULTLS_T_FAR')
  H.eq(nil, around:find(far, 1, true), far .. ' not in the local graph')
  H.truthy(#around < #whole, 'the local page is smaller')
end)
