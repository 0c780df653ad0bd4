using Broker.Persistence.Identity;

namespace Broker.Server.Users;

/// <summary>A membership change that was asked for: the user, the group, and whether anything was written.</summary>
/// <param name="User">The member.</param>
/// <param name="Group">The group's name.</param>
/// <param name="Changed">False when the user already was a member, so nothing was written or audited.</param>
/// <param name="Groups">Every group of the user after the change, by name.</param>
internal sealed record GroupChange(BrokerUser User, string Group, bool Changed, IReadOnlyList<string> Groups);
