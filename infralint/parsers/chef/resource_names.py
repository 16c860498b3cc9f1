"""Names the reader knows: resource types, DSL methods that are no resources, iterators."""

from __future__ import annotations

# --------------------------------------------------------------------------- resource names

SCRIPT_TYPES = {
    "execute",
    "bash",
    "script",
    "sh",
    "csh",
    "ksh",
    "perl",
    "python",
    "ruby",
    "powershell_script",
    "batch",
}
SHELL_SCRIPT_TYPES = {"execute", "bash", "script", "sh", "csh", "ksh"}

_CORE_RESOURCES = """alternatives apt_preference apt_repository apt_update archive_file breakpoint
    build_essential chef_client_config chef_client_cron chef_client_launchd
    chef_client_scheduled_task chef_client_systemd_timer chef_client_trusted_certificate chef_gem
    chef_handler chef_sleep chef_vault_secret chocolatey_config chocolatey_feature
    chocolatey_source cookbook_file cron cron_access cron_d directory docker_container
    docker_image dsc_resource dsc_script file git group homebrew_cask homebrew_tap
    homebrew_update hostname http_request ifconfig inspec_input inspec_waiver kernel_module
    launchd link locale log macos_userdefaults mdadm mount notify_group ohai ohai_hint
    openssl_dhparam openssl_rsa_private_key openssl_rsa_public_key openssl_x509_certificate
    openssl_x509_crl openssl_x509_request osx_profile package plist reboot registry_key
    remote_directory remote_file rhsm_errata rhsm_register rhsm_repo rhsm_subscription route
    ruby_block selinux_boolean selinux_fcontext selinux_install selinux_login selinux_module
    selinux_permissive selinux_port selinux_state selinux_user service ssh_known_hosts_entry
    subversion sudo swap_file sysctl systemd_unit template timezone user user_ulimit
    whyrun_safe_ruby_block windows_ad_join windows_audit_policy windows_auto_run
    windows_certificate windows_dfs_folder windows_dfs_namespace windows_dfs_server
    windows_dns_record windows_dns_zone windows_env windows_feature windows_firewall_rule
    windows_font windows_pagefile windows_path windows_printer windows_printer_port
    windows_security_policy windows_service windows_share windows_shortcut windows_task
    windows_uac windows_update_settings windows_user_privilege windows_workgroup yum_repository
    zypper_repository"""
KNOWN_RESOURCES = {*SCRIPT_TYPES, *_CORE_RESOURCES.split()}
_NOT_RESOURCES = """include_recipe require require_relative raise fail puts print p pp lazy
    action property attribute default_action allowed_actions provides resource_name
    load_current_value
    action_class define describe context it let before after shared_examples control title
    only_if not_if converge_by converge_if_changed with_run_context declare_resource
    build_resource edit_resource edit_resource! find_resource find_resource! delete_resource
    loop catch proc lambda format sleep depends supports cookbook source metadata run_list
    default_source unified_mode include extend private protected attr_accessor attr_reader
    block variables notifies subscribes timeout synchronize silence_warnings
    describe_resource chef_sleep_helper mixin should expect allow"""
NOT_RESOURCES = set(_NOT_RESOURCES.split())
ITERATORS = {
    "each",
    "each_with_index",
    "each_pair",
    "map",
    "each_entry",
    "collect",
    "flat_map",
    "each_key",
    "each_value",
    "times",
    "select",
    "reject",
}
PACKAGE_TYPES_EXTRA = {"chef_gem", "gem_package", "package"}


def is_package_type(kind: str) -> bool:
    return kind in PACKAGE_TYPES_EXTRA or kind.endswith("_package")


SHELL_OUT_METHODS = {"system", "exec", "shell_out", "shell_out!", "shell_out_compacted"}
SHELL_OUT_METHODS_WITH_RECEIVER = {("Kernel", "system"), ("Kernel", "exec"), ("IO", "popen")}
NODE_WRITE_METHODS = {"normal", "set", "save", "normal_unless", "set_unless"}
CONDITIONAL_TYPES = {
    "if": "if",
    "unless": "unless",
    "if_modifier": "if",
    "unless_modifier": "unless",
    "case": "case",
    "case_match": "case",
    "conditional": "ternary",
    "while": "if",
    "until": "if",
    "while_modifier": "if",
    "until_modifier": "if",
    "rescue": "rescue",
    "rescue_modifier": "rescue",
    "binary": "if",  # `a && package(…)`
}
DEFERRED_TYPES = {"method", "singleton_method", "lambda"}
