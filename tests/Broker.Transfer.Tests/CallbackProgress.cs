using Broker.Transfer.Client;

namespace Broker.Transfer.Tests;

/// <summary>An <see cref="IProgress{T}"/> that calls back at once, on the reporting thread.</summary>
internal sealed class CallbackProgress(Action<TransferProgress> callback) : IProgress<TransferProgress>
{
    public void Report(TransferProgress value) => callback(value);
}
