module ferry.local/helm-render

go 1.19
