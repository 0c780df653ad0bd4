namespace Broker.Server.Portal.Admin;

/// <summary>The add-a-user-to-a-group form.</summary>
internal sealed class GroupMembershipForm
{
    public string? UserId { get; set; }

    public string? Group { get; set; }
}
