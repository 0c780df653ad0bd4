namespace Broker.Cli.Admin.Api;

/// <summary>Body of <c>POST /api/v1/admin/hosts/enrollment-tokens</c>: the host to come; <c>ValidHours</c> null means the broker's default.</summary>
internal sealed record EnrollmentTokenRequest(string Name, int Capacity, int? ValidHours);
