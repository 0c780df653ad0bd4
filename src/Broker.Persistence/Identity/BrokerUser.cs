using Microsoft.AspNetCore.Identity;

namespace Broker.Persistence.Identity;

/// <summary>A person who logs in to the portal or the API. Roles are in <see cref="BrokerRoles"/>.</summary>
public sealed class BrokerUser : IdentityUser
{
}
