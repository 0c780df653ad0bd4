using Broker.Persistence.Identity;

namespace Broker.Server.Portal.Admin;

/// <summary>The create-user form.</summary>
internal sealed class UserForm
{
    public string? UserName { get; set; }

    public string? Password { get; set; }

    public string? Role { get; set; } = BrokerRoles.User;
}
