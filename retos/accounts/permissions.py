from retos.core.rules import is_platform_staff, register

register("user:register_expert", is_platform_staff)
