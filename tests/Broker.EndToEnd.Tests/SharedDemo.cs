namespace Broker.EndToEnd.Tests;

/// <summary>The tests that share one running demo (<see cref="DemoFixture"/>); they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class SharedDemo : ICollectionFixture<DemoFixture>
{
    public const string Name = "demo";
}
