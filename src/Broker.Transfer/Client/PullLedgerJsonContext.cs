using System.Text.Json.Serialization;

namespace Broker.Transfer.Client;

[JsonSerializable(typeof(PullLedger))]
internal sealed partial class PullLedgerJsonContext : JsonSerializerContext;
