// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "planner",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "planner", targets: ["planner"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
  ],
  targets: [
    .target(name: "PlannerCore"),
    .executableTarget(
      name: "planner",
      dependencies: [
        "PlannerCore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(name: "planner-bench", dependencies: ["PlannerCore"]),
    .testTarget(
      name: "PlannerCoreTests",
      dependencies: [
        "PlannerCore",
        .product(name: "PropertyBased", package: "swift-property-based"),
      ]
    ),
  ]
)
