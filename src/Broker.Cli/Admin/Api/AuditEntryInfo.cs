namespace Broker.Cli.Admin.Api;

/// <summary>An audit log entry (<c>/api/v1/admin/audit</c>).</summary>
internal sealed record AuditEntryInfo(Guid Id, DateTimeOffset At, string Actor, string Action, string Target, bool Succeeded, string Detail);
