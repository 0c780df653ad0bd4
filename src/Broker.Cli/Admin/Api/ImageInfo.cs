namespace Broker.Cli.Admin.Api;

/// <summary>A gold image (<c>/api/v1/admin/images</c>).</summary>
internal sealed record ImageInfo(Guid Id, string Name, string Version, string BaseContentAddress, long SizeBytes);
