# The heuristic partition count: max(ceil(7500/3000 + 4000/1000), ceil(100/10)) = max(7, 10).
output "partitions" {
  value = provider::ddbload::partitions(7500, 4000, 100) # 10
}
