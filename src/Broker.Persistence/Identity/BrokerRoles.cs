namespace Broker.Persistence.Identity;

/// <summary>The roles the broker knows. Role names are stored in the database; do not rename them.</summary>
public static class BrokerRoles
{
    /// <summary>Manages images, pools, hosts, users and everything else.</summary>
    public const string Admin = "Admin";

    /// <summary>Uses the desktops they are entitled to.</summary>
    public const string User = "User";

    /// <summary>Every role, for seeding.</summary>
    public static IReadOnlyList<string> All { get; } = [Admin, User];
}
