"""The Neovim plugin installed as its README shows, from a local clone: lazy.nvim's `dir =` spec
and packer's local path, loaded the way each manager loads it; and `:checkhealth vaultls` says
which `vaultls` it found and how that was installed (pipx, uv tool, venv, plain PATH)."""

from __future__ import annotations

import pytest

from tests.editors.test_neovim import DANGLING_NOTE, Nvim, nv, nvim, vault, vaultls_bin  # noqa: F401


@pytest.mark.parametrize("manager", ["lazy", "packer"])
def test_plugin_loads_from_a_local_clone_like_a_plugin_manager(nv: Nvim, manager: str) -> None:  # noqa: F811
    output = nv.run("plugin_manager.lua", manager=manager, note=DANGLING_NOTE)
    assert "installed with: venv" in output


def test_health_names_how_vaultls_was_installed(nv: Nvim) -> None:  # noqa: F811
    nv.run("install_kind.lua")
