using Broker.Core.Audit;

namespace Broker.Persistence.Audit;

/// <summary>A stored <see cref="AuditEvent"/>; never updated.</summary>
internal sealed class AuditRow
{
    public Guid Id { get; set; }

    public DateTimeOffset At { get; set; }

    public string Actor { get; set; } = string.Empty;

    public string Action { get; set; } = string.Empty;

    public string Target { get; set; } = string.Empty;

    public bool Succeeded { get; set; }

    public string Detail { get; set; } = string.Empty;

    /// <summary>The row for <paramref name="entry"/>; text longer than its column is cut, never refused (the log must not lose the entry).</summary>
    public static AuditRow From(AuditEvent entry) => new()
    {
        Id = entry.Id,
        At = entry.At,
        Actor = Cut(entry.Actor, AuditRowConfiguration.MaxActorLength),
        Action = Cut(entry.Action, AuditRowConfiguration.MaxActionLength),
        Target = Cut(entry.Target, AuditRowConfiguration.MaxTargetLength),
        Succeeded = entry.Succeeded,
        Detail = Cut(entry.Detail, AuditRowConfiguration.MaxDetailLength),
    };

    public AuditEvent ToDomain() => new(Id, At, Actor, Action, Target, Succeeded, Detail);

    private static string Cut(string text, int maxLength) => text.Length <= maxLength ? text : text[..maxLength];
}
