namespace Broker.Cli.Admin.Api;

/// <summary>An answer of the API: its body read as <typeparamref name="T"/> and as the JSON text the broker sent (for <c>--json</c>).</summary>
internal sealed record ApiReply<T>(T Value, string Json);
